#!/usr/bin/env node
// The installed `dockyard` command. It lives outside dist/ so that `npm ci` on a fresh clone
// (before any build) can link it into node_modules/.bin; the program itself is dist/main.js.
import '../dist/main.js';
