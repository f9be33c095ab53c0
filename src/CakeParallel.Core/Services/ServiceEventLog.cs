using CakeParallel.Model;

namespace CakeParallel.Services;

/// <summary>
/// A service's events in order, each passed on to its observer when recorded. An observer that throws is noted in
/// the service's log and otherwise ignored, so it cannot keep the service from being cleaned up.
/// </summary>
internal sealed class ServiceEventLog(ServiceLog log, Action<ServiceEvent> observer)
{
    private readonly Lock _gate = new();
    private readonly List<ServiceEvent> _events = [];

    public IReadOnlyList<ServiceEvent> All
    {
        get
        {
            lock (_gate)
            {
                return _events.ToArray();
            }
        }
    }

    public void Record(ServiceEvent serviceEvent)
    {
        lock (_gate)
        {
            _events.Add(serviceEvent);
        }

        try
        {
            observer(serviceEvent);
        }
        catch (Exception exception)
        {
            log.WriteNote($"a {serviceEvent.Kind} handler threw {exception.GetType().Name}: {exception.Message}");
        }
    }
}
