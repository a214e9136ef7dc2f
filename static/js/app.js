/** Progressive enhancements for every page; each page works fully without this file. */
for (const button of document.querySelectorAll('[data-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}

// A one-time sign-in link is selected whole on focus, ready to copy.
for (const input of document.querySelectorAll('[data-select-on-focus]')) {
  input.addEventListener('focus', () => input.select());
}

// The first field with an error, or the error summary, takes focus so keyboard users land on it.
const errorSummary = document.querySelector('.error-summary');
if (errorSummary instanceof HTMLElement) errorSummary.focus();
