-- Time and flow control. A task may wait for its time in status 'scheduled' (run_at), may expire
-- unstarted (expires_at, status 'expired'), may hold a key no other live task holds (unique_key),
-- and names the queue it is published to, so that a supervisor publishes only its own queue's rows.
alter table tasks drop constraint tasks_status_check;
alter table tasks add constraint tasks_status_check
    check (status in ('scheduled', 'queued', 'running', 'retrying', 'succeeded', 'failed', 'crashed', 'cancelled',
                      'expired'));
alter table tasks add column run_at timestamptz;
alter table tasks add column expires_at timestamptz;
alter table tasks add column unique_key text;
alter table tasks add column queue text;
-- One live task a key: an insert that would be a second one conflicts instead (see TaskInserts).
create unique index tasks_unique_key_idx on tasks (unique_key)
    where unique_key is not null and status in ('scheduled', 'queued', 'running', 'retrying');
-- What the scheduler looks for, four times a second.
create index tasks_due_idx on tasks (run_at) where status = 'scheduled';
create index tasks_expiring_idx on tasks (expires_at) where expires_at is not null and attempts = 0
    and status in ('scheduled', 'queued');
