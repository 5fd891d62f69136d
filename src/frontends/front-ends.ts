// Registers every protocol front-end with the server (each protocol adds one import here).
import { FRONT_ENDS } from './server.ts';
import { pop3FrontEnd } from './pop3/front-end.ts';

FRONT_ENDS.push(pop3FrontEnd);
