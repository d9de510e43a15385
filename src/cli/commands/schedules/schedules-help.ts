export const schedulesHelp = `Each flow with a schedule in the config (default: every hour) gets the Temporal
Schedule custsync/<flow>: overlap policy skip (a run still going makes the next one
skip), the configured catch-up window and jitter. A scheduled run is an ordinary run
with trigger "schedule" (workflow ids sync/<flow>/scheduled-<time>).

  custsync schedules apply                 match the config: create, update, remove
  custsync schedules list [--json]
  custsync schedules pause <flow> [--note <text>]
  custsync schedules unpause <flow>
  custsync schedules trigger <flow>        run now
  custsync schedules backfill <flow> --from <time> --to <time>

Run "schedules apply" after every config change (and restart the workers): a run
carries the config it was planned from, and a worker with another config refuses it.
A pause set here stays when "apply" updates the schedule.`;
