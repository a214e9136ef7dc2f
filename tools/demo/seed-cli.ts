/** `npm run demo:seed -- --db FILE [--sites N] [--checks N] [--seed S] [--today YYYY-MM-DD] [--force]`: generates a demo network into a database file, without starting the server. */
import { seedCommand, seedFailure } from './seed-command.js';

seedCommand(process.argv.slice(2), process.env, (line) => {
  console.log(line);
}).catch((error: unknown) => {
  const { exitCode, message } = seedFailure(error);
  console.error(message);
  process.exit(exitCode);
});
