-- Default costs of the operations the tool gateway bills (seed 002 names only messaging, calls and LLM use):
-- a phone call costs what seed 002 charges for a voice call; an external MCP tool costs 1 per unit, and the tenant's
-- registration of the server sets how many units one call is.
INSERT INTO operation_costs (tenant_id, operation_type, tokens) VALUES
    (NULL, 'phone_call', 50),
    (NULL, 'http_request', 1),
    (NULL, 'web_search', 1),
    (NULL, 'mcp_tool', 1)
ON CONFLICT DO NOTHING;
