// `npm run worker`: a process that only works background jobs, beside stateless web instances.
import { startWorkers } from './workers';

await startWorkers();
console.log('Worker started: processing background jobs. Stop with Ctrl+C.');
