/** `npm run restore -- FILE [--yes]`: puts a backup in place of ICMap's database on a stopped install. */
import { configuredDatabasePath, runCli } from './cli.js';
import { RESTORE_USAGE, restoreCommand } from './commands.js';

runCli('restore', RESTORE_USAGE, () =>
  restoreCommand(process.argv.slice(2), configuredDatabasePath, (line) => {
    console.log(line);
  }),
);
