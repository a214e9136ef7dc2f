/**
 * HTML forms read the way a browser submits them: the successful controls of a form of a page (hidden
 * and text inputs, checked boxes and radios, selected options, textareas) as ordered name/value pairs,
 * so a test can change what a person would change and send the rest exactly as the page carries it.
 */
import { parse, type HTMLElement } from 'node-html-parser';

export interface PageForm {
  /** Where the form posts, resolved against the page's own path (a form without action posts back). */
  action: string;
  method: string;
  enctype: string;
  fields: [string, string][];
}

function controlsOf(form: HTMLElement): [string, string][] {
  const fields: [string, string][] = [];
  for (const control of form.querySelectorAll('input, textarea, select')) {
    const name = control.getAttribute('name');
    if (name === undefined || name === '' || control.hasAttribute('disabled')) continue;
    if (control.closest('fieldset[disabled]') !== null) continue;
    const tag = control.tagName.toLowerCase();
    if (tag === 'textarea') {
      fields.push([name, control.text.replace(/^\n/, '')]);
    } else if (tag === 'select') {
      const options = control.querySelectorAll('option');
      const chosen = options.find((option) => option.hasAttribute('selected')) ?? options[0];
      if (chosen !== undefined) fields.push([name, chosen.getAttribute('value') ?? chosen.text]);
    } else {
      const type = (control.getAttribute('type') ?? 'text').toLowerCase();
      if (['submit', 'button', 'reset', 'image', 'file'].includes(type)) continue;
      if ((type === 'checkbox' || type === 'radio') && !control.hasAttribute('checked')) continue;
      fields.push([name, control.getAttribute('value') ?? (type === 'checkbox' || type === 'radio' ? 'on' : '')]);
    }
  }
  return fields;
}

/** Every POST form of a page. */
export function postFormsIn(html: string, pagePath: string): PageForm[] {
  return parse(html)
    .querySelectorAll('form')
    .filter((form) => (form.getAttribute('method') ?? 'get').toLowerCase() === 'post')
    .map((form) => ({
      action: new URL(form.getAttribute('action') ?? pagePath, `http://icmap.test${pagePath}`).pathname,
      method: 'POST',
      enctype: form.getAttribute('enctype') ?? 'application/x-www-form-urlencoded',
      fields: controlsOf(form),
    }));
}

/** The one POST form of a page that posts to `action` (fails clearly when there is none or several). */
export function postFormIn(html: string, pagePath: string, action: string): PageForm {
  const forms = postFormsIn(html, pagePath).filter((form) => form.action === action);
  const [only] = forms;
  if (forms.length !== 1 || only === undefined) {
    const actions = postFormsIn(html, pagePath).map((form) => form.action);
    throw new Error(`expected one form posting to ${action} on ${pagePath}, found ${forms.length} (forms: ${actions.join(', ') || 'none'})`);
  }
  return only;
}

/** The value a form carries for `name` (the first, for repeated names). */
export function fieldOf(form: PageForm, name: string): string | undefined {
  return form.fields.find(([field]) => field === name)?.[1];
}

/**
 * The form's fields with some changed as a person would: a string replaces every value of that name
 * (or adds the field), null removes it. `submitter` adds the pressed button's name and value.
 */
export function filled(form: PageForm, changes: Record<string, string | null> = {}, submitter?: [string, string]): [string, string][] {
  const fields = form.fields.filter(([name]) => !(name in changes));
  for (const [name, value] of Object.entries(changes)) if (value !== null) fields.push([name, value]);
  if (submitter !== undefined) fields.push(submitter);
  return fields;
}
