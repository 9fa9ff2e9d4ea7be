"""The region: schools that share opportunities, and the figures read across them.

- `imports`: the CSV kinds `region_admins` and `wishlists` (interest surveys);
- `sharing`: a school shares an opportunity with its region or takes it back;
- `supply_demand`: for each field, opportunities and places against the students who want them;
- `overview`: the region's schools side by side, for region admins (no student names);
- `network`: the network story, per region and overall (no student names).
"""
