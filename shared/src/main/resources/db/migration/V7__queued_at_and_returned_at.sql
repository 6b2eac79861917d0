-- When the row last became queued with no message yet: at its insert, or when `dlq replay` or
-- `audit --repair` made it runnable again. The outbox counts a row's age from here, not from
-- created_at, so that a replayed row whose own publish is still under way is not published twice.
alter table tasks add column queued_at timestamptz not null default now();
update tasks set queued_at = created_at;
drop index tasks_unpublished_idx;
create index tasks_unpublished_idx on tasks (queued_at) where status = 'queued' and published_at is null;
-- When the handler's result reached the row, before its child exited: from then on the attempt is
-- not run again (see EarlyResults).
alter table tasks add column returned_at timestamptz;
