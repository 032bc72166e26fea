#!/usr/bin/env bash
# The README's tour, runnable: the Kawasaki case from incident to published
# statement, with curl against a running Candor (make run). Needs jq.
#   API=http://127.0.0.1:8080 ADMIN=$(cat var/admin.token) scripts/tour.sh
set -euo pipefail
API=${API:-http://127.0.0.1:8080}
CANDOR=${CANDOR:-./bin/candor}
say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
call() { # call TOKEN METHOD PATH [JSON]
  local t=$1 m=$2 p=$3; shift 3
  curl -sS --fail-with-body -X "$m" -H "Authorization: Bearer $t" -H 'Content-Type: application/json' \
    ${1:+-d "$1"} "$API/api/v1$p"
}

say "two people: comms drafts, legal approves (four eyes)"
COMMS=$($CANDOR token create --name "comms (tour)" --role comms)
LEGAL=$($CANDOR token create --name "legal (tour)" --role legal)

say "1. the incident and its course of events"
INC=$(call "$COMMS" POST /incidents '{
  "title": "Unauthorized access to Kawasaki Group",
  "summary": "Connections from overseas offices to servers in Japan that should not have occurred.",
  "discovered_at": "2020-06-11T00:00:00+09:00", "severity": "high", "cause": "unauthorized_access",
  "malicious": true, "data_categories": ["name", "email"],
  "reporting_entity": {"name": "Kawasaki Heavy Industries, Ltd.", "country": "JP", "listed_us": false},
  "timezone": "Asia/Tokyo",
  "translations": {"ja": {"title": "当社グループへの不正アクセスについて",
    "summary": "海外拠点から国内のサーバーへ、本来発生し得ない接続が確認されました。", "reporting_entity": "川崎重工業株式会社"}}}' | jq -r .id)
# who gets the deadline reminders is legal's decision (comms gets a 403)
call "$LEGAL" PATCH /incidents/$INC '{"owner_email": "security@example.com", "legal_contacts": ["legal@example.com"]}' >/dev/null
call "$COMMS" POST /incidents/$INC/events '{"occurred_on": "2020-06-11", "public": true,
  "description": "Unauthorized access from an overseas office in Thailand identified by an internal audit",
  "translations": {"ja": {"description": "社内監査によりタイの海外拠点からの不正アクセスを確認"}}}' >/dev/null
call "$COMMS" POST /incidents/$INC/events '{"occurred_on": "2020-07-08", "public": true,
  "description": "Suspicious access from the office in the United States confirmed",
  "translations": {"ja": {"description": "米国拠点からの不審なアクセスを確認"}}}' >/dev/null
echo "incident $INC"

say "2. the affected customers (CSV, streamed)"
printf 'external_id,name,email,country,region,locale\nC1,Hanako Yamada,hanako@example.jp,JP,,ja\nC2,Somchai Srisuk,somchai@example.co.th,TH,,th\nC3,Ann Smith,ann@example.com,US,US-CA,en\nC4,Jose Cruz,,PH,,fil\n' |
  curl -sS -H "Authorization: Bearer $COMMS" -H 'Content-Type: text/csv' --data-binary @- "$API/api/v1/incidents/$INC/customers/import" | jq -c .

say "3. the deadlines that started running on 2020-06-11 (today's rules)"
call "$LEGAL" GET "/incidents/$INC/obligations?as_of=today" | jq -r '.items[] | "\(.due_at)  \(.status)  \(.jurisdiction) \(.audience) \(.stage // "")"' | head -8

say "4. a customer notice from the default templates: preview, submit, approve"
NOTICE=$(call "$COMMS" POST /incidents/$INC/disclosures '{"kind": "customer_notice", "title": "Notice to customers", "from_default": true}' | jq -r .id)
call "$COMMS" POST /disclosures/$NOTICE/preview '{"locale": "ja"}' | jq -r .subject
# th, id and fil readers get the English facts: a choice the submitter records.
call "$COMMS" POST /disclosures/$NOTICE/submit '{"accept_untranslated": ["th", "id", "fil"]}' | jq -r .state
call "$LEGAL" POST /disclosures/$NOTICE/approve '{"revision": 1}' | jq -r .state

say "5. send it: one message per customer, in their language"
SEND=$(call "$LEGAL" POST /disclosures/$NOTICE/sends '{}' | jq -r .id)
for _ in $(seq 30); do
  STATE=$(call "$LEGAL" GET /sends/$SEND | jq -r .state); [ "$STATE" = completed ] && break; sleep 1
done
call "$LEGAL" GET /sends/$SEND | jq -c '{state, total, sent, failed}'
call "$LEGAL" GET /sends/$SEND/deliveries | jq -r '.items[] | "\(.email)  \(.locale)  \(.status)  \(.message_id)"'

say "6. the public statement, published now at /statements/kawasaki-2020"
STMT=$(call "$COMMS" POST /incidents/$INC/disclosures '{"kind": "public_statement", "title": "Concerning unauthorized access", "from_default": true}' | jq -r .id)
call "$COMMS" POST /disclosures/$STMT/submit '{"accept_untranslated": ["th", "id", "fil"]}' >/dev/null
call "$LEGAL" POST /disclosures/$STMT/approve '{"revision": 1}' >/dev/null
call "$LEGAL" POST /disclosures/$STMT/publications '{"slug": "kawasaki-2020"}' | jq -c '{id, state, publish_at}'
for _ in $(seq 20); do curl -sf "$API/statements/kawasaki-2020" >/dev/null && break; sleep 0.5; done
curl -sS "$API/statements/kawasaki-2020?lang=ja" | grep -o '<title>[^<]*</title>'
curl -sS -H 'Accept: application/json' "$API/statements/kawasaki-2020" | jq -r .title

say "7. the audit trail, and its chain"
call "$LEGAL" GET "/audit?incident=$INC&limit=5" | jq -r '.items[] | "\(.at)  \(.actor_name)  \(.action)"'
$CANDOR audit verify
