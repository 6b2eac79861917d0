-- A task may carry its own limit of attempts; null means the supervisor's TASKFORK_MAX_ATTEMPTS.
alter table tasks add column max_attempts integer check (max_attempts between 1 and 100);

-- Live supervisors. A running row whose worker has not beaten its heart lately lost its runner,
-- and may be claimed again by another delivery of its message.
create table workers (
    name          text        primary key,
    started_at    timestamptz not null default now(),
    heartbeat_at  timestamptz not null default now()
);
