-- Usage counters at 0 are deleted by the decrement that reaches 0 (model_usage_add); drop the
-- ones earlier versions left behind (one per resource ever deleted).
DELETE FROM usage WHERE used = 0;
