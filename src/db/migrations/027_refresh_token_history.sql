-- Every refresh token a session has rotated away from: one presented again (beyond the last rotation's
-- grace) was copied, and ends its session, however many rotations ago it was replaced.
create table member_session_retired_refresh (
  refresh_hash text primary key,
  session_id bigint not null references member_sessions (id),
  retired_at timestamptz not null
);
