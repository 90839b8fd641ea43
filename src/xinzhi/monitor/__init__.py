"""What is going wrong now: yearly targets, five-colour signals, trend tests, change points and a
composite warning index over county indicators, as pure analyses. Targets and the warehouse live
in :mod:`xinzhi.pipelines.monitor`."""
