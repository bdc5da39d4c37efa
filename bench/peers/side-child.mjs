#!/usr/bin/env node
// The child half of ./side.mjs: runs one side of one peer measurement and prints what
// bench/peers/<measurement>.mjs's measureSide(peer, options) returns as one JSON line. Whatever
// the peer throws or rejects ends this process with Node's own report on stderr.
//
//   node bench/peers/side-child.mjs <measurement> <peer> '<options as JSON>'
const [measurement, name, json] = process.argv.slice(2);
if (!/^[a-z-]+$/.test(measurement)) throw new Error(`not a measurement: ${JSON.stringify(measurement)}`);
const { measureSide } = await import(`./${measurement}.mjs`);
const result = await measureSide(name, JSON.parse(json));
// Exit once the line is out: the peer is closed, and a timer it left must not fail the result now.
process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
