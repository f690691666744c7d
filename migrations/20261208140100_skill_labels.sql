-- ---------------------------------------------------------------------------
-- Starter skills' labels in one case: sentence case ("Data quality", "User research"), product
-- and method names as their makers write them ("Apache Spark", "Six Sigma"), acronyms in
-- capitals ("REST API"). The labels show on cards ("Your skills:", "Asks for:") and in emails;
-- tests/skills_test.ts holds the names allowed capitals after the first word.
-- ---------------------------------------------------------------------------

update public.skills s set label = v.label
from (values
  ('data modelling', 'Data modelling'),
  ('data quality', 'Data quality'),
  ('user research', 'User research'),
  ('usability testing', 'Usability testing'),
  ('design systems', 'Design systems'),
  ('product discovery', 'Product discovery'),
  ('a b testing', 'A/B testing')
) as v(skill, label)
where s.skill = v.skill and s.source = 'starter';
