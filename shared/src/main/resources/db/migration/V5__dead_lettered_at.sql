-- When the broker confirmed the task's dead letter. A failed or crashed row without it lost its
-- dead letter to a broker outage; the next delivery of its message dead-letters it then.
alter table tasks add column dead_lettered_at timestamptz;
update tasks set dead_lettered_at = finished_at where status in ('failed', 'crashed');
