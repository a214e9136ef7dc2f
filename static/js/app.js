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

// Survey autosave: a short while after a change, the page's answers are saved in the background, and
// the sticky bar always says where they stand: "Saving…", "Saved 10:42" or "Not saved" with Retry.
// Step links save before they leave; leaving with unsaved changes asks first. The version field keeps
// two tabs from overwriting each other: on a conflict autosave stops and says so.
const survey = document.querySelector('form[data-autosave]');
if (survey instanceof HTMLFormElement) {
  // getAttribute, not survey.action: a control named "action" would shadow the property.
  const target = survey.getAttribute('action') ?? location.pathname;
  const version = survey.querySelector('[data-version]');
  const status = survey.querySelector('[data-autosave-status]');
  const bar = status?.closest('[data-save-state]');
  const retry = survey.querySelector('[data-autosave-retry]');
  let timer;
  let stopped = false;
  let dirty = false;
  let saving;
  let submitting = false;
  const show = (state, text, canRetry = false) => {
    if (status) status.textContent = text;
    if (bar instanceof HTMLElement) bar.dataset.saveState = state;
    if (retry instanceof HTMLElement) retry.hidden = !canRetry;
  };
  const time = () => new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  show('idle', 'Changes save automatically.');
  /** Saves now; resolves to true when what is on the page is saved. */
  const save = () => {
    clearTimeout(timer);
    if (stopped || !(version instanceof HTMLInputElement)) return Promise.resolve(false);
    if (saving) return saving.then(() => (dirty ? save() : true));
    if (!dirty) return Promise.resolve(true);
    dirty = false;
    const body = new URLSearchParams(new FormData(survey));
    body.set('go', 'save');
    show('saving', 'Saving…');
    saving = (async () => {
      try {
        const response = await fetch(target, { method: 'POST', body, headers: { accept: 'application/json' }, credentials: 'same-origin' });
        const json = (response.headers.get('content-type') ?? '').includes('application/json');
        if (response.ok && json) {
          const result = await response.json();
          version.value = String(result.version);
          if (!dirty) show('saved', `Saved ${time()}`);
          return true;
        }
        dirty = true;
        if (response.status === 409 && json) {
          stopped = true;
          const result = await response.json().catch(() => ({}));
          show(
            'stopped',
            result.closed
              ? 'Not saved: this progress check has closed.'
              : 'Not saved: your answers were changed in another tab. Press Save draft to choose which to keep.',
          );
        } else if (response.status === 422) {
          show('failed', 'Not saved: press Save draft to see what to fix.');
        } else if (response.status === 503) {
          // The database was busy (a backup, maintenance): nothing was saved; try again when it says.
          const seconds = Number(response.headers.get('retry-after')) || 5;
          show('failed', `Not saved: the server is busy. Trying again in ${seconds} s.`, true);
          timer = setTimeout(save, seconds * 1000);
        } else if (response.status === 403 || response.status === 401 || !json) {
          show('failed', 'Not saved: you may have been signed out. Press Save draft: your answers are kept.');
        } else {
          show('failed', 'Not saved —', true);
        }
        return false;
      } catch {
        dirty = true;
        show('failed', 'Not saved (offline?) —', true);
        return false;
      } finally {
        saving = undefined;
      }
    })();
    return saving;
  };
  const changed = (delay) => {
    if (stopped) return;
    dirty = true;
    show('unsaved', 'Unsaved changes…');
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  };
  survey.addEventListener('change', () => changed(800));
  survey.addEventListener('input', (event) => {
    if (event.target instanceof HTMLTextAreaElement) changed(2000);
  });
  retry?.addEventListener('click', () => {
    dirty = true;
    save();
  });
  survey.addEventListener('submit', (event) => {
    clearTimeout(timer);
    if (saving) {
      // An autosave is on its way: wait for it (it moves the version on), then send the form.
      event.preventDefault();
      const button = event.submitter;
      saving.finally(() => survey.requestSubmit(button instanceof HTMLButtonElement ? button : null));
      return;
    }
    submitting = true;
  });
  // Step links (and the breadcrumb) save first, then leave; if saving fails they stay, and say so.
  for (const link of document.querySelectorAll('.steps a, .breadcrumb a')) {
    link.addEventListener('click', async (event) => {
      if (!dirty && !saving) return;
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      if (await save()) location.href = link.href;
    });
  }
  // Answers handed back after signing in again are on the page but not saved: save them now.
  if (survey.hasAttribute('data-unsaved')) changed(300);
  window.addEventListener('beforeunload', (event) => {
    if (submitting || (!dirty && !saving)) return;
    event.preventDefault();
    event.returnValue = '';
  });
}

// Length limits: a live count under each limited text box ("120 of 1,000 characters"), and a clear
// warning past the limit. Nothing is cut: the server refuses text over the limit and gives it back.
for (const box of document.querySelectorAll('textarea[data-max-length]')) {
  if (!(box instanceof HTMLTextAreaElement)) continue;
  const max = Number(box.dataset.maxLength);
  const counter = document.createElement('p');
  counter.className = 'char-count';
  counter.id = `${box.id}-count`;
  // Screen readers hear the count once typing pauses, not at every keystroke.
  const announcer = document.createElement('p');
  announcer.className = 'visually-hidden';
  announcer.setAttribute('aria-live', 'polite');
  box.after(counter, announcer);
  let quiet;
  box.setAttribute('aria-describedby', `${box.getAttribute('aria-describedby') ?? ''} ${counter.id}`.trim());
  const format = (n) => n.toLocaleString('en-US');
  const update = () => {
    const length = box.value.length;
    const over = length > max;
    counter.textContent = over
      ? `${format(length - max)} characters too many: ${format(length)} of ${format(max)}`
      : `${format(length)} of ${format(max)} characters`;
    counter.classList.toggle('char-count--over', over);
    if (over) box.setAttribute('aria-invalid', 'true');
    else if (!box.closest('.field--error')) box.removeAttribute('aria-invalid');
  };
  update();
  box.addEventListener('input', () => {
    update();
    clearTimeout(quiet);
    quiet = setTimeout(() => {
      announcer.textContent = counter.textContent;
    }, 1000);
  });
  // The drafted next step changes by script when a level is picked: count it too.
  box.form?.addEventListener('change', update);
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
