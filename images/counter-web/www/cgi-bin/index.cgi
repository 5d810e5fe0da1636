#!/bin/sh
# The classic hit counter: INCR a key in Redis over RESP, with nc.
host=${REDIS_HOST:-redis}; port=${REDIS_PORT:-6379}
reply=$(printf 'INCR hits\r\n' | nc -w 2 "$host" "$port" 2>/dev/null | tr -d '\r')
case "$reply" in
  :*) printf 'Content-Type: text/plain\r\n\r\n%s I have been seen %s times.\n' "${GREETING:-Hello World!}" "${reply#:}" ;;
  *) printf 'Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\ncannot reach redis at %s:%s\n' "$host" "$port" ;;
esac
