-- What the last attempt cost (CPU seconds of the child and what it ran; the child JVM's peak
-- resident memory), and the CPU of every attempt so far. Null where the child could not say.
alter table tasks add column cpu_seconds double precision;
alter table tasks add column peak_memory_bytes bigint;
alter table tasks add column total_cpu_seconds double precision;
