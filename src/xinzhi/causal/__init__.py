"""Did the policy work: causal evaluation of county pilots (TWFE / event study, Callaway–Sant'Anna,
synthetic control, synthetic DiD) as pure analyses over a county × year panel. Panels, pilot
tables and the warehouse live in :mod:`xinzhi.pipelines.causal`."""
