// worker-farm's child module (it require()s it, so CommonJS): callback last, as worker-farm calls it.
/* global module */
'use strict';

module.exports = {
  add: (a, b, callback) => callback(null, a + b),
  echo: (data, callback) => callback(null, data),
  crash: () => process.exit(1),
  spin: () => { for (;;) { /* busy, never yields */ } },
  pid: (callback) => callback(null, process.pid),
};
