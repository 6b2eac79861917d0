-- A retry is a scheduled run: a retrying task waits for its run_at as a scheduled one does, and
-- its message is acked. A row retrying from before has no run_at, and its message waits in .retry.
drop index tasks_due_idx;
create index tasks_due_idx on tasks (run_at) where status in ('scheduled', 'retrying');
