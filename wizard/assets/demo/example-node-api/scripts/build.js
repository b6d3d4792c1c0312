'use strict';

// Produces dist/: the runtime sources plus build-info.json served for support.
const fs = require('node:fs');
const path = require('node:path');
const pkg = require('../package.json');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');

fs.rmSync(dist, { recursive: true, force: true });
fs.cpSync(path.join(root, 'src'), dist, { recursive: true });
fs.writeFileSync(
  path.join(dist, 'build-info.json'),
  JSON.stringify({ name: pkg.name, version: pkg.version, node: process.version }, null, 2) + '\n',
);
console.log(`built ${pkg.name}@${pkg.version} into dist/`);
