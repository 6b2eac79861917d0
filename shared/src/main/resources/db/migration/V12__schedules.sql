-- Recurring schedules: a task of type and payload at every time of a cron expression (read in
-- zone) or of a fixed interval. Every supervisor of the schedule's queue looks for due rows
-- (next_fire_at <= now(), not paused) and, in one transaction, makes their tasks and moves
-- next_fire_at past now (see ScheduleFiring), so each fire time makes one task.
create table schedules (
    name          text        primary key,
    type          text        not null,
    payload       jsonb       not null default '{}',
    cron          text,
    zone          text,
    every         interval,
    catch_up      text        not null default 'one' check (catch_up in ('none', 'one', 'all')),
    queue         text        not null,
    paused        boolean     not null default false,
    next_fire_at  timestamptz not null,
    -- the task it made last; a task may be deleted later, so no foreign key
    last_task_id  bigint,
    created_at    timestamptz not null default now(),
    check ((cron is null) <> (every is null)),
    check (cron is null or zone is not null),
    check (every is null or every >= interval '1 second')
);

create index schedules_due_idx on schedules (next_fire_at) where not paused;
