/** Progressive enhancements for every page; each page works fully without this file. */
for (const button of document.querySelectorAll('[data-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}

// A one-time sign-in link is selected whole on focus, ready to copy.
for (const input of document.querySelectorAll('[data-select-on-focus]')) {
  input.addEventListener('focus', () => input.select());
}

// Invitation links get a Copy button (without JavaScript the link is selected whole, ready to copy by hand).
for (const input of document.querySelectorAll('input[data-copy]')) {
  if (!(input instanceof HTMLInputElement)) continue;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button button--quiet';
  button.textContent = 'Copy link';
  const label = input.labels?.[0]?.textContent?.trim();
  if (label) button.setAttribute('aria-label', `Copy link: ${label}`);
  const status = document.createElement('span');
  status.setAttribute('role', 'status');
  status.className = 'muted small';
  input.after(button, status);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(input.value);
      status.textContent = 'Copied.';
    } catch {
      input.select();
      status.textContent = 'Selected: press Ctrl+C (or ⌘C) to copy.';
    }
  });
}

// The first field with an error, or the error summary, takes focus so keyboard users land on it.
const errorSummary = document.querySelector('.error-summary');
if (errorSummary instanceof HTMLElement) errorSummary.focus();

// A submit button that has been pressed once stays pressed: a double click sends one request.
for (const button of document.querySelectorAll('[data-submit-once]')) {
  button.form?.addEventListener('submit', () => {
    setTimeout(() => {
      button.disabled = true;
    });
  });
}

// Survey autosave: a short while after a change, the page's answers are saved in the background.
// The version field keeps two tabs from overwriting each other; on a conflict autosave stops and says so.
const survey = document.querySelector('form[data-autosave]');
if (survey instanceof HTMLFormElement) {
  const version = survey.querySelector('[data-version]');
  const status = survey.querySelector('[data-autosave-status]');
  let timer;
  let stopped = false;
  const say = (text) => {
    if (status) status.textContent = text;
  };
  const save = async () => {
    if (stopped || !(version instanceof HTMLInputElement)) return;
    const body = new URLSearchParams(new FormData(survey));
    body.set('action', 'save');
    try {
      const response = await fetch(survey.action, { method: 'POST', body, headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (response.ok) {
        const result = await response.json();
        version.value = String(result.version);
        say(`Draft saved at ${new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}.`);
      } else if (response.status === 409) {
        stopped = true;
        const result = await response.json().catch(() => ({}));
        say(
          result.closed
            ? 'This progress check has closed: answers can no longer be changed.'
            : 'Your answers were changed in another tab or window. Autosave has stopped: press Save draft to choose which to keep.',
        );
      } else if (response.status === 422) {
        say('Not saved yet: check the messages on this page when you save.');
      } else if (response.status === 503) {
        // The database was busy (a backup, maintenance): nothing was saved; try again when it says.
        const seconds = Number(response.headers.get('retry-after')) || 5;
        say(`The server is busy for a moment. Your answers are still on this page; trying again in ${seconds} seconds.`);
        clearTimeout(timer);
        timer = setTimeout(save, seconds * 1000);
      } else {
        say('Could not save automatically. Your answers are still on this page; press Save draft.');
      }
    } catch {
      say('Offline? Your answers are still on this page; press Save draft when you are back online.');
    }
  };
  survey.addEventListener('change', () => {
    clearTimeout(timer);
    timer = setTimeout(save, 1200);
  });
}

// Meeting mode: the arrow keys move between outcomes, unless someone is typing.
document.addEventListener('keydown', (event) => {
  if (!document.body.classList.contains('meeting') || event.altKey || event.ctrlKey || event.metaKey) return;
  const target = event.target;
  if (target instanceof HTMLElement && target.closest('input, textarea, select, [contenteditable]')) return;
  const link = document.querySelector(`[data-key="${event.key}"]`);
  if (link instanceof HTMLAnchorElement) link.click();
});

// Consensus: picking a level swaps the drafted next step for that level's, unless it was edited.
for (const form of document.querySelectorAll('form[data-consensus-form]')) {
  const nextStep = form.querySelector('textarea[name="next_step"]');
  if (!(nextStep instanceof HTMLTextAreaElement)) continue;
  const drafts = () => [...nextStep.attributes].filter((attribute) => attribute.name.startsWith('data-suggestion-')).map((attribute) => attribute.value);
  form.addEventListener('change', (event) => {
    const radio = event.target;
    if (!(radio instanceof HTMLInputElement) || radio.name !== 'level') return;
    const draft = nextStep.getAttribute(`data-suggestion-${radio.value}`);
    const untouched = nextStep.value.trim() === '' || drafts().includes(nextStep.value);
    if (draft !== null && untouched) nextStep.value = draft;
  });
}

// Printing: tables kept behind a "same data as a table" toggle print open.
window.addEventListener('beforeprint', () => {
  for (const details of document.querySelectorAll('details.chart-table')) details.open = true;
});
