"""Reports of a period: hours and attendance per student, site and mentor, by week, the mentors'
feedback, and every scheduled day (no-shows included) for the exports. Scoped by the viewer like
the rest of the coordinator's workspace (`workflow.oversight.viewer`)."""
