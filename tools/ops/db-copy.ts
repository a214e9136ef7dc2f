/** `npm run db:copy -- --from FILE --to postgres://…`: moves a SQLite install into an empty PostgreSQL database, checked table by table. */
import { runCli } from './cli.js';
import { DB_COPY_USAGE, dbCopyCommand } from './db-copy-command.js';

runCli('db:copy', DB_COPY_USAGE, () =>
  dbCopyCommand(process.argv.slice(2), (line) => {
    console.log(line);
  }),
);
