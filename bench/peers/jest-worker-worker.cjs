// jest-worker's child module (it require()s it, so CommonJS): the same methods every peer's worker has.
/* global exports */
'use strict';

exports.add = (a, b) => a + b;
exports.echo = (data) => data;
exports.crash = () => process.exit(1);
exports.spin = () => { for (;;) { /* busy, never yields */ } };
exports.pid = () => process.pid;
