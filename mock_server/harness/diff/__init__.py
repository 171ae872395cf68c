"""`ingram-mock contracts diff UPSTREAM.json`: where our contract and an upstream spec differ.

Compares `contracts/orders-api.json` (OpenAPI 3.1) with an upstream OpenAPI 3.0 or 3.1
JSON document, read tolerantly (Ingram's published spec is not valid OpenAPI), for the
order operations and the token call, plus any other operation on the paths we describe.

Every difference gets a stable id, printed by the tool::

    <operation> <where>[ <field>]: <what>
    getOrderDetails response 200 lines[].shipmentDetails: type: upstream array, ours object

`<operation>` is our operationId (upstream's, or `METHOD /path`, when we lack it);
`<where>` is `operation`, `parameter <in> <name>`, `request`, `response <status>` or
`response <status> header <name>`; `<field>` is a body path (`lines[].quantity`, `[]` for
array items). Values are always given upstream first, ours second.

Severity is judged from a client written against upstream. BREAKING: responses that lack
a field upstream has, make a field optional that upstream requires, change its type, add
`null`, or send enum values upstream does not list; requests that reject a field,
parameter, type, `null` or enum value upstream accepts, or require one upstream does not;
a success status on one side only; a body, media type or response header only upstream
has; an upstream operation we lack. INFO: the safe direction of each of those, error
statuses on one side only, `format`, `default` and length/range/pattern constraints.
Descriptions, examples and security schemes are not compared: all our wording is our own.

A BREAKING difference is accepted when its id is listed, with a reason, under a heading
that starts with "Accepted differences" in `contracts/DEVIATIONS.md` (or `--accepted`)::

    ## Accepted differences
    - `modifyOrder response 201: status only upstream` — a modify never creates anything

Exit status: 0 when every BREAKING difference is accepted, 1 when one is not, 2 when a
document cannot be read. Accepted entries that match no difference are listed as stale.

The package, one concern a module: `model` (differences, severity, the report), `document`
(reading an OpenAPI document tolerantly), `operations` and `schemas` (the comparison walk),
`report` (the accepted list, text and JSON output) and `command` (the CLI).
"""
