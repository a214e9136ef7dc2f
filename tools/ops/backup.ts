/** `npm run backup -- FILE [--force]`: an online, checked backup of ICMap's database, safe while ICMap runs. */
import { configuredDatabasePath, runCli } from './cli.js';
import { BACKUP_USAGE, backupCommand } from './commands.js';

runCli('backup', BACKUP_USAGE, () =>
  backupCommand(process.argv.slice(2), configuredDatabasePath, (line) => {
    console.log(line);
  }),
);
