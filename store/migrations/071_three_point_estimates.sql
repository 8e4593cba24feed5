-- 071: optional three-point estimates on projects (issue 19, Monte Carlo). The existing budget,
-- expected_benefit and duration_months are the most likely values; NULL low/high = no spread given.

ALTER TABLE projects ADD COLUMN budget_low DOUBLE PRECISION;
ALTER TABLE projects ADD COLUMN budget_high DOUBLE PRECISION;
ALTER TABLE projects ADD COLUMN benefit_low DOUBLE PRECISION;
ALTER TABLE projects ADD COLUMN benefit_high DOUBLE PRECISION;
ALTER TABLE projects ADD COLUMN duration_low INTEGER;
ALTER TABLE projects ADD COLUMN duration_high INTEGER;
