using Theta;
using Theta.Rl;

namespace Theta.CritterStudy;

/// <summary>
/// A hand-written policy from the same 27 eye inputs the learner sees, with no memory: towards the eye with the nearest
/// apple unless a poison is within <paramref name="margin"/> of that distance in the eyes up to <paramref name="spread"/>
/// either side; otherwise straight, unless eyes 1–5 see a wall nearer than <paramref name="wallNear"/> or a poison nearer
/// than <paramref name="poisonNear"/> (fractions of the 85-px range), then a sharp turn towards the side with more room.
/// With probability <paramref name="epsilon"/> it acts at random, as the learner does in a test.
/// </summary>
internal sealed class ReactiveRule(double epsilon, ulong seed, double wallNear, double poisonNear, int spread, float margin) : ICritterBrain
{
    private readonly Rng _rng = new(seed);

    public int Act(ReadOnlySpan<float> x)
    {
        if (_rng.NextDouble() < epsilon) return _rng.NextInt(Critter.ActionCount);
        int apple = -1;
        float appleAt = 1;
        for (int k = 0; k < Critter.Eyes; k++)
            if (Reading(x, k, Sensed.Apple) < appleAt) (apple, appleAt) = (k, Reading(x, k, Sensed.Apple));
        if (apple >= 0 && !PoisonWithin(x, apple, appleAt + margin)) return Towards(Critter.EyeAngle(apple));
        bool danger = false;
        for (int k = 1; k <= 5; k++) danger |= Reading(x, k, Sensed.Wall) < wallNear || Reading(x, k, Sensed.Poison) < poisonNear;
        if (!danger) return Critter.Straight;
        double below = 0, above = 0; // room at negative eye angles (eyes 0–2) and positive ones (4–8)
        for (int k = 0; k < Critter.Eyes; k++)
        {
            double room = Math.Min(Reading(x, k, Sensed.Wall), Reading(x, k, Sensed.Poison));
            if (k < 3) below += room / 3; else if (k > 3) above += room / 5;
        }
        return above >= below ? 4 : 3; // turn +0.5 or −0.5 rad
    }

    private static float Reading(ReadOnlySpan<float> x, int eye, Sensed what) => x[eye * Critter.InputsPerEye + (int)what];

    private bool PoisonWithin(ReadOnlySpan<float> x, int eye, float distance)
    {
        for (int j = Math.Max(0, eye - spread); j <= Math.Min(Critter.Eyes - 1, eye + spread); j++)
            if (Reading(x, j, Sensed.Poison) < distance) return true;
        return false;
    }

    // The action whose turn (right − left: 0, +0.2, −0.2, −0.5, +0.5) best faces an eye looking `offset` rad off the heading.
    private static int Towards(double offset) => Math.Abs(offset) < 0.1 ? Critter.Straight
        : offset > 0 ? (offset <= 0.35 ? 1 : 4) : (offset >= -0.35 ? 2 : 3);

    public void Observe(double reward, ReadOnlySpan<float> next) { }
    public double Learn() => double.NaN;
}
