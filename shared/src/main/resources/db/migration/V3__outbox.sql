-- When the task's ID was confirmed by the broker. A queued row without it is older than its
-- message, or has none: its producer died before the confirm. The sweeper publishes it again.
alter table tasks add column published_at timestamptz;
update tasks set published_at = created_at;
create index tasks_unpublished_idx on tasks (created_at) where status = 'queued' and published_at is null;
