/**
 * Fingerprinted static files: each file under static/ is also served under a name carrying a hash of
 * its content (css/app.css → css/app.3f2a9c1b7d.css), which pages link to through `it.h.asset()`.
 * Those names never change content, so browsers keep them a year without asking; an upgrade changes
 * the name, so nobody is served yesterday's stylesheet. The plain names keep working, revalidated.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface Asset {
  /** The path under static/, with forward slashes: "css/app.css". */
  file: string;
  /** The same path with the content hash before the extension: "css/app.3f2a9c1b7d.css". */
  hashed: string;
}

const HASH_LENGTH = 10;

function hashedName(file: string, content: Buffer): string {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, HASH_LENGTH);
  const extension = path.posix.extname(file);
  return `${file.slice(0, file.length - extension.length)}.${hash}${extension}`;
}

function filesUnder(root: string): string[] {
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

export class AssetManifest {
  readonly #byFile = new Map<string, Asset>();
  readonly #byHashed = new Map<string, Asset>();

  /** Hashes every file under `root` once; the files are expected not to change while ICMap runs. */
  constructor(
    readonly root: string,
    readonly prefix = '/static/',
  ) {
    for (const file of filesUnder(root)) {
      const asset = { file, hashed: hashedName(file, fs.readFileSync(path.join(root, file))) };
      this.#byFile.set(file, asset);
      this.#byHashed.set(asset.hashed, asset);
    }
  }

  /** The URL a page links to: `url('css/app.css')` → "/static/css/app.3f2a9c1b7d.css". A name that is not a file is a bug: it throws. */
  url(file: string): string {
    const asset = this.#byFile.get(file);
    if (asset === undefined) throw new Error(`no static file ${file} under ${this.root}`);
    return `${this.prefix}${asset.hashed}`;
  }

  /** What a requested path under the prefix is: a fingerprinted name, a plain name, or nothing ICMap serves. */
  lookup(requested: string): { asset: Asset; fingerprinted: boolean } | undefined {
    const hashed = this.#byHashed.get(requested);
    if (hashed !== undefined) return { asset: hashed, fingerprinted: true };
    const plain = this.#byFile.get(requested);
    return plain === undefined ? undefined : { asset: plain, fingerprinted: false };
  }
}
