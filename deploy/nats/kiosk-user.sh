#!/bin/sh
# Prints the authorization block of one kiosk for deploy/nats/authorization.conf (a NATS user per kiosk: NATS's
# configuration file has no per-user pattern like Mosquitto's %u). Usage: kiosk-user.sh SITE KIOSK_ID PASSWORD_VAR
#   SITE, KIOSK_ID: as in Kiosk:Site and Kiosk:KioskId, without '.' (NATS maps MQTT's '/' to '.', so a '.' in a
#   topic level is refused by its MQTT listener).
#   PASSWORD_VAR: the environment variable of nats-server holding the password (or put a bcrypt hash from
#   `nats server passwd` in its place).
# MQTT topic -> NATS subject: '/' -> '.', '+' -> '*', '#' -> '>'. "$MQTT.sub.>" is where the server delivers QoS 1
# messages to an MQTT subscription: every MQTT user needs it (MQTT clients cannot subscribe to it themselves).
set -eu
[ $# -eq 3 ] || { echo "usage: $0 SITE KIOSK_ID PASSWORD_VAR" >&2; exit 2; }
site=$1 kiosk=$2 var=$3
case "$site$kiosk" in *.*|*/*|*' '*) echo "error: site and kiosk id must not contain '.', '/' or spaces" >&2; exit 2;; esac
cat <<BLOCK
    # kiosk $site/$kiosk: writes only under kiosk/v1/$site/$kiosk/, reads the feed, its own commands, configuration and status
    { user: "$kiosk", password: \$$var, permissions: {
        publish: { allow: ["kiosk.v1.$site.$kiosk.>", "fleet.replies.>", "homeassistant.*.${site}_$kiosk.*.config"] }
        subscribe: { allow: ["\$MQTT.sub.>", "hc.v1.colors.>", "hc.v1.trust", "kiosk.v1.$site.$kiosk.cmd.*", "kiosk.v1.$site.$kiosk.config.desired", "kiosk.v1.$site.$kiosk.status", "kiosk.v1.$site.all.cmd.*"] }
    } }
BLOCK
