#!/usr/bin/env node
// The parent that bench/peers.mjs SIGKILLs: opens <peer> with one worker, learns its pid, sets it
// spinning in for(;;){}, prints { busyPid } as one JSON line and waits to be killed.
//
//   node bench/peers/orphan-parent.mjs <peer>
import { openPeer, silence } from './adapters.mjs';

const name = process.argv[2];
const peer = await openPeer(name, { workers: 1 });
const [busyPid] = await peer.pids();
silence(peer.spin());
// Let the call reach the worker and the loop start.
await new Promise((resolve) => setTimeout(resolve, 300));
process.stdout.write(`${JSON.stringify({ peer: name, busyPid })}\n`);
setInterval(() => {}, 60_000);
