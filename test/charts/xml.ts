/**
 * A deliberately tiny XML reader for the chart tests: enough for the SVG the chart modules write (elements,
 * double-quoted attributes, text, the five predefined entities) and strict about anything else, so a stray
 * "<" or "&" in the output fails the test instead of being skipped.
 */
import { expect } from 'vitest';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  parent: XmlElement | null;
}
export type XmlNode = XmlElement | string;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

function decode(text: string): string {
  return text.replace(/&([a-z]+|#\d+);/g, (whole, name: string) => ENTITIES[name] ?? whole);
}

function checkEntities(text: string, where: number): void {
  const bad = /&(?!(?:amp|lt|gt|quot|#39);)/.exec(text);
  if (bad !== null) throw new Error(`Unescaped "&" at ${where + bad.index}`);
}

export function parseXml(source: string): XmlElement {
  const token = /<\/([a-zA-Z][\w:-]*)\s*>|<([a-zA-Z][\w:-]*)((?:\s+[a-zA-Z][\w:-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const root: XmlElement = { name: '#document', attrs: {}, children: [], parent: null };
  let current = root;
  while (token.lastIndex < source.length) {
    const at = token.lastIndex;
    const match = token.exec(source);
    if (match === null) throw new Error(`Malformed XML at ${at}: ${source.slice(at, at + 40)}`);
    const [, closing, opening, attrText, selfClosing, text] = match;
    if (text !== undefined) {
      checkEntities(text, at);
      current.children.push(decode(text));
    } else if (closing !== undefined) {
      if (closing !== current.name) throw new Error(`</${closing}> closes <${current.name}> at ${at}`);
      current = current.parent ?? root;
    } else if (opening !== undefined) {
      const attrs: Record<string, string> = {};
      for (const [, name, value] of (attrText ?? '').matchAll(/([a-zA-Z][\w:-]*)="([^"]*)"/g)) {
        if (name === undefined || value === undefined) continue;
        if (name in attrs) throw new Error(`Duplicate attribute ${name} at ${at}`);
        checkEntities(value, at);
        attrs[name] = decode(value);
      }
      const element: XmlElement = { name: opening, attrs, children: [], parent: current };
      current.children.push(element);
      if (selfClosing !== '/') current = element;
    }
  }
  if (current !== root) throw new Error(`<${current.name}> is never closed`);
  const elements = root.children.filter((child): child is XmlElement => typeof child !== 'string');
  if (elements.length !== 1 || root.children.length !== 1) throw new Error('Expected exactly one root element');
  return elements[0]!;
}

export function isElement(node: XmlNode): node is XmlElement {
  return typeof node !== 'string';
}

/** Every element below (and including) `root`, in document order. */
export function descendants(root: XmlElement): XmlElement[] {
  const out: XmlElement[] = [root];
  for (const child of root.children) if (isElement(child)) out.push(...descendants(child));
  return out;
}

export function hasClass(element: XmlElement, name: string): boolean {
  return (element.attrs.class ?? '').split(/\s+/).includes(name);
}

export function byClass(root: XmlElement, name: string): XmlElement[] {
  return descendants(root).filter((element) => hasClass(element, name));
}

export function byName(root: XmlElement, name: string): XmlElement[] {
  return descendants(root).filter((element) => element.name === name);
}

/** Visible text: every text node below `element`, leaving out <title> and <desc> tooltips. */
export function visibleText(element: XmlElement): string {
  return element.children
    .map((child) => (typeof child === 'string' ? child : child.name === 'title' || child.name === 'desc' ? '' : visibleText(child)))
    .join('');
}

/** The text of the element's own <title> child, if it has one. */
export function tooltip(element: XmlElement): string | undefined {
  const title = element.children.find((child): child is XmlElement => isElement(child) && child.name === 'title');
  return title === undefined ? undefined : title.children.filter((child) => typeof child === 'string').join('');
}

export function num(element: XmlElement, attr: string): number {
  const value = element.attrs[attr];
  if (value === undefined) throw new Error(`<${element.name}> has no ${attr}`);
  return Number(value);
}

/** The accessibility and CSP contract every chart shares; returns the parsed root for further checks. */
export function expectAccessibleChart(svg: string, id: string, kind: string, role: 'img' | 'group' = 'img'): XmlElement {
  const root = parseXml(svg);
  expect(root.name).toBe('svg');
  expect(root.attrs.role).toBe(role);
  expect(root.attrs['aria-labelledby']).toBe(`${id}-title ${id}-desc`);
  expect(root.attrs.class?.split(' ')).toEqual(['chart', `chart--${kind}`]);
  expect(root.attrs.viewBox).toMatch(/^0 0 \d+(\.\d+)? \d+(\.\d+)?$/);
  expect(Number(root.attrs.width)).toBeGreaterThan(0);
  expect(Number(root.attrs.height)).toBeGreaterThan(0);

  const [first, second] = root.children.filter(isElement);
  expect(first?.name).toBe('title');
  expect(first?.attrs.id).toBe(`${id}-title`);
  expect(second?.name).toBe('desc');
  expect(second?.attrs.id).toBe(`${id}-desc`);

  const ids = descendants(root).flatMap((element) => (element.attrs.id === undefined ? [] : [element.attrs.id]));
  expect(new Set(ids).size).toBe(ids.length);
  for (const value of ids) expect(value.startsWith(`${id}-`)).toBe(true);

  // Strict CSP: no inline styles, no <style> or <script> element.
  expect(svg).not.toMatch(/\sstyle\s*=/i);
  expect(descendants(root).some((element) => 'style' in element.attrs)).toBe(false);
  expect(byName(root, 'style')).toHaveLength(0);
  expect(byName(root, 'script')).toHaveLength(0);
  return root;
}
