-- Local stand-in for pg_net (supabase/pg_net sql/pg_net.sql, 0.19+ signatures).
-- Like the real extension, net.http_get/http_post/http_delete only queue a row in
-- net.http_request_queue and return its id. A rolled-back transaction therefore sends nothing.
-- The real extension's background worker is replaced by the local runner's worker, which reads
-- the queue after commit, performs the request and writes net._http_response.
-- The real tables are UNLOGGED; so are these.

create schema if not exists net;
grant usage on schema net to postgres, anon, authenticated, service_role;

do $$
begin
  if not exists (select from pg_type t join pg_namespace n on n.oid = t.typnamespace
                 where n.nspname = 'net' and t.typname = 'http_method') then
    create domain net.http_method as text
      check (value ilike 'get' or value ilike 'post' or value ilike 'delete');
  end if;
end
$$;

create unlogged table if not exists net.http_request_queue (
  id bigserial,
  method net.http_method not null,
  url text not null,
  headers jsonb not null,
  body bytea,
  timeout_milliseconds int not null
);

create unlogged table if not exists net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out bool,
  error_msg text,
  created timestamptz not null default now()
);
create index if not exists _http_response_created_idx on net._http_response (created);

-- RFC 3986 percent-encoding, as pg_net's C helper does with curl_easy_escape.
create or replace function net._urlencode_string(string varchar) returns text
language sql immutable strict
as $$
  select coalesce(string_agg(
    case
      when ch ~ '^[A-Za-z0-9_.~-]$' then ch
      else (select string_agg('%' || upper(lpad(to_hex(b), 2, '0')), '')
            from (select get_byte(convert_to(ch, 'UTF8'), i) as b
                  from generate_series(0, octet_length(convert_to(ch, 'UTF8')) - 1) as i) as bytes)
    end, '' order by ord), '')
  from regexp_split_to_table(string, '') with ordinality as chars(ch, ord)
$$;

create or replace function net._encode_url_with_params_array(url text, params_array text[])
returns text
language sql immutable strict
as $$
  select case
    when cardinality(params_array) = 0 then url
    when position('?' in url) > 0 then url || '&' || array_to_string(params_array, '&')
    else url || '?' || array_to_string(params_array, '&')
  end
$$;

create or replace function net.http_get(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds int default 5000
) returns bigint
language plpgsql volatile parallel safe strict
as $$
declare
  request_id bigint;
  params_array text[];
begin
  select coalesce(array_agg(net._urlencode_string(key) || '=' || net._urlencode_string(value)), '{}')
  into params_array
  from jsonb_each_text(params);

  insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
  values ('GET', net._encode_url_with_params_array(url, params_array), headers, timeout_milliseconds)
  returning id into request_id;
  return request_id;
end
$$;

create or replace function net.http_post(
  url text,
  body jsonb default '{}'::jsonb,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds int default 5000
) returns bigint
language plpgsql volatile parallel safe
as $$
declare
  request_id bigint;
  params_array text[];
  content_type text;
begin
  select header_value into content_type
  from jsonb_each_text(coalesce(headers, '{}'::jsonb)) as r(header_name, header_value)
  where lower(header_name) = 'content-type'
  limit 1;

  if content_type is null then
    headers := coalesce(headers, '{}'::jsonb) || '{"Content-Type": "application/json"}'::jsonb;
  end if;

  if content_type <> 'application/json' then
    raise exception 'Content-Type header must be "application/json"';
  end if;

  if body is null then
    raise exception 'body must not be null';
  end if;

  select coalesce(array_agg(net._urlencode_string(key) || '=' || net._urlencode_string(value)), '{}')
  into params_array
  from jsonb_each_text(params);

  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('POST', net._encode_url_with_params_array(url, params_array), headers,
          convert_to(body::text, 'UTF8'), timeout_milliseconds)
  returning id into request_id;
  return request_id;
end
$$;

create or replace function net.http_delete(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds int default 5000
) returns bigint
language plpgsql volatile parallel safe strict
as $$
declare
  request_id bigint;
  params_array text[];
begin
  select coalesce(array_agg(net._urlencode_string(key) || '=' || net._urlencode_string(value)), '{}')
  into params_array
  from jsonb_each_text(params);

  insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
  values ('DELETE', net._encode_url_with_params_array(url, params_array), headers, timeout_milliseconds)
  returning id into request_id;
  return request_id;
end
$$;

-- pg_net's wake() signals the background worker; the local worker polls instead.
create or replace function net.wake() returns void language sql as $$ select $$;

grant execute on function net.http_get(text, jsonb, jsonb, int), net.http_post(text, jsonb, jsonb, jsonb, int),
  net.http_delete(text, jsonb, jsonb, int) to postgres, anon, authenticated, service_role;
grant all on net.http_request_queue, net._http_response to postgres, service_role;
grant usage on sequence net.http_request_queue_id_seq to postgres, anon, authenticated, service_role;
grant insert on net.http_request_queue to anon, authenticated;
