// A worker entry that confines nothing and says so, or lies: it does the handshake with the
// report UNDERCONFINED_REPORT names ('none': no report; 'lie': everything enforced), then serves
// nothing. The pool must refuse it before it loads user code.
import { connectAsWorker } from './connect-as-worker.mjs';
import { encodeFrame } from '../../dist/runtime/protocol/frames.js';
import { PROTOCOL_VERSION } from '../../dist/runtime/protocol/messages.js';
import { IConfinedService as service } from '../.generated/js/.generated/services/IConfined.codec.js';

const { boot, socket } = await connectAsWorker();
const lie = { landlockAbi: boot.confine.landlockAbi, seccomp: true, noNewPrivs: true, read: 'enforced', write: 'enforced', network: 'enforced', childProcesses: 'enforced', signals: 'enforced' };
const report = process.env.UNDERCONFINED_REPORT === 'lie' ? lie : null;
socket.write(encodeFrame([0, boot.secret, process.pid, PROTOCOL_VERSION, service.interfaceHash, service.name, report]));
