-- The age of the oldest waiting task is sampled every few seconds for the metrics: it reads the
-- first entry of this index instead of every waiting row.
create index tasks_waiting_idx on tasks (created_at) where status in ('queued', 'retrying');
