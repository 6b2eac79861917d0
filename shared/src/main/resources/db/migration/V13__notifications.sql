-- Supervisors are told, instead of looking several times a second (see DatabaseEvents):
--   taskfork_cancelled  'SCHEMA ID'  a running task was cancelled: the supervisor running it kills its child
--   taskfork_due        'SCHEMA'     a task or schedule got a time: each scheduler looks again, and
--                                    sleeps until the earliest time there is
-- Channels are per database, so the payload names the schema. PostgreSQL sends a notification at
-- commit, and folds those of one transaction with the same channel and payload into one: a batch
-- of a thousand delayed tasks wakes each scheduler once.
create function taskfork_notify_cancelled() returns trigger language plpgsql as $$
begin
    perform pg_notify('taskfork_cancelled', tg_table_schema || ' ' || new.id);
    return null;
end
$$;

create trigger tasks_cancelled_notify after update of status on tasks
    for each row when (old.status = 'running' and new.status = 'cancelled')
    execute function taskfork_notify_cancelled();

create function taskfork_notify_due() returns trigger language plpgsql as $$
begin
    perform pg_notify('taskfork_due', tg_table_schema);
    return null;
end
$$;

-- The rows DueTasks looks for, when one comes in or its time changes: due at run_at (scheduled or
-- retrying), or expiring unstarted at expires_at (scheduled or queued, no attempt). A row that
-- moves within them with its time (a due task taken, scheduled to queued) tells nothing new.
create trigger tasks_due_insert_notify after insert on tasks
    for each row when (new.status in ('scheduled', 'retrying')
        or (new.expires_at is not null and new.attempts = 0 and new.status in ('scheduled', 'queued')))
    execute function taskfork_notify_due();

create trigger tasks_due_update_notify after update of status, run_at, expires_at, attempts on tasks
    for each row when ((new.status in ('scheduled', 'retrying')
            and (old.status not in ('scheduled', 'retrying') or old.run_at is distinct from new.run_at))
        or (new.expires_at is not null and new.attempts = 0 and new.status in ('scheduled', 'queued')
            and (old.expires_at is distinct from new.expires_at or old.attempts <> 0
                or old.status not in ('scheduled', 'queued'))))
    execute function taskfork_notify_due();

create trigger schedules_due_notify after insert or update of next_fire_at, paused, queue on schedules
    for each row execute function taskfork_notify_due();
