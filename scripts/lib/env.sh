# Source this to get what scripts/setup.sh set up: DOCKER_HOST and REDIS_URL, with
# the same defaults it uses. It does not start anything; run scripts/setup.sh first.
export DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
