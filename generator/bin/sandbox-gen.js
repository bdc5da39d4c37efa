#!/usr/bin/env node
// The sandbox-gen command. A committed file rather than dist/cli.js itself, so that npm links
// the command in a fresh clone, whose install runs before the build that writes dist/.
import '../dist/cli.js';
