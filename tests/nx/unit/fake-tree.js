'use strict';

/**
 * An in-memory stand-in for @nx/devkit's Tree: enough of it for the shim (read, write, exists,
 * delete, children, isFile), recording every write and delete.
 */
class FakeTree {
  /** @param {Record<string, string>} files */
  constructor(files = {}) {
    this.root = '/workspace';
    /** @type {Map<string, string>} */
    this.files = new Map(Object.entries(files));
    /** @type {string[]} */
    this.log = [];
  }
  read(p, encoding) {
    const content = this.files.get(p);
    if (content === undefined) return null;
    return encoding ? content : Buffer.from(content);
  }
  write(p, content) {
    this.log.push(`write ${p}`);
    this.files.set(p, String(content));
  }
  delete(p) {
    this.log.push(`delete ${p}`);
    this.files.delete(p);
  }
  isFile(p) {
    return this.files.has(p);
  }
  exists(p) {
    return this.files.has(p) || [...this.files.keys()].some((f) => f.startsWith(`${p}/`));
  }
  children(dir) {
    const prefix = dir === '' || dir === '.' ? '' : `${dir}/`;
    const names = new Set();
    for (const f of this.files.keys()) {
      if (f.startsWith(prefix)) names.add(f.slice(prefix.length).split('/')[0]);
    }
    return [...names];
  }
  snapshot() {
    return Object.fromEntries([...this.files.entries()].sort());
  }
}

module.exports = { FakeTree };
