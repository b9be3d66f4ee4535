// `node --import ./load-log-register.mjs ...`: registers the hook of load-log.mjs.
import { register } from 'node:module';

register('./load-log.mjs', import.meta.url);
