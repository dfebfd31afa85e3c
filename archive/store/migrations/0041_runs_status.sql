-- How each run ended: finished, stopped (a signal or Ctrl-C; the same command goes on) or failed
-- (a write error). NULL while it runs, or when the process was killed or forced to quit.
ALTER TABLE runs ADD COLUMN status VARCHAR;
UPDATE runs SET status = 'finished' WHERE finished_at IS NOT NULL;
