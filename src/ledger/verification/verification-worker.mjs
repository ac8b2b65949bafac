// Worker thread entry: loads the TypeScript job runner through tsx and answers batches.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runVerificationJob } = await import('./verification-job.ts');
parentPort.on('message', (batch) => {
  parentPort.postMessage({ id: batch.id, results: batch.jobs.map(runVerificationJob) });
});
parentPort.postMessage({ ready: true });
