#!/usr/bin/env node
// The package's `bin`: runs souffle.ts through tsx so that a fresh `npm install` needs no build step
// and no global tools (Node 20 cannot strip TypeScript types by itself).
import { register } from 'tsx/esm/api';

register();
await import('../souffle.ts');
