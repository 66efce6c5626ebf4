using System.Runtime.InteropServices;
using System.Text;

namespace Theta.Distributed;

/// <summary>
/// The few MPI calls Theta uses, bound to Open MPI's C library (libmpi.so.40, Open MPI 4.x) by function
/// pointers from <see cref="NativeLibrary.GetExport"/>. Each call's return code goes through <see cref="Check"/>,
/// which turns anything but MPI_SUCCESS into an <see cref="MpiException"/> naming the call.
/// <para>Open MPI's handles are pointers: MPI_Comm is <c>struct ompi_communicator_t*</c>, MPI_Datatype
/// <c>ompi_datatype_t*</c>, MPI_Op <c>ompi_op_t*</c>, and the predefined ones (MPI_COMM_WORLD, MPI_FLOAT,
/// MPI_SUM, …) are the addresses of exported structs (<c>ompi_mpi_comm_world</c>, <c>ompi_mpi_float</c>,
/// <c>ompi_mpi_op_sum</c>), so a handle is the export's address. MPI_IN_PLACE is <c>(void*)1</c>.</para>
/// <para>NOTE: these are Open MPI's ABI, not MPI's standard API; MPICH and its derivatives (Intel MPI) use
/// integer handles and another library name, so they would need a second small binding.</para>
/// </summary>
internal static unsafe class Mpi
{
    public const string LibraryName = "libmpi.so.40";
    public const int Success = 0;
    public const int ThreadSerialized = 2; // MPI_THREAD_SERIALIZED: any thread may call, one at a time
    public static readonly nint InPlace = 1;

    private static nint _lib;
    public static nint CommWorld, Byte, Float, Double, OpSum, ErrorsReturn;

    private static delegate* unmanaged<int*, nint*, int, int*, int> _initThread;
    private static delegate* unmanaged<int*, int> _initialized, _finalized;
    private static delegate* unmanaged<int> _finalize;
    private static delegate* unmanaged<nint, int*, int> _commRank, _commSize;
    private static delegate* unmanaged<nint, nint, int> _commSetErrhandler, _abort;
    private static delegate* unmanaged<nint, int> _barrier;
    private static delegate* unmanaged<void*, int, nint, int, nint, int> _bcast;
    private static delegate* unmanaged<void*, void*, int, nint, nint, nint, int> _allreduce;
    private static delegate* unmanaged<int, byte*, int*, int> _errorString;

    /// <summary>Loads libmpi.so.40 and its symbols once; false with the loader's reason when Open MPI is not installed.</summary>
    public static bool TryLoad(out string? why)
    {
        why = null;
        if (_lib != 0) return true;
        if (!NativeLibrary.TryLoad(LibraryName, out var lib))
        {
            why = $"Open MPI's {LibraryName} could not be loaded";
            return false;
        }
        nint F(string name) => NativeLibrary.GetExport(lib, name);
        _initThread = (delegate* unmanaged<int*, nint*, int, int*, int>)F("MPI_Init_thread");
        _initialized = (delegate* unmanaged<int*, int>)F("MPI_Initialized");
        _finalized = (delegate* unmanaged<int*, int>)F("MPI_Finalized");
        _finalize = (delegate* unmanaged<int>)F("MPI_Finalize");
        _commRank = (delegate* unmanaged<nint, int*, int>)F("MPI_Comm_rank");
        _commSize = (delegate* unmanaged<nint, int*, int>)F("MPI_Comm_size");
        _commSetErrhandler = (delegate* unmanaged<nint, nint, int>)F("MPI_Comm_set_errhandler");
        _abort = (delegate* unmanaged<nint, nint, int>)F("MPI_Abort");
        _barrier = (delegate* unmanaged<nint, int>)F("MPI_Barrier");
        _bcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)F("MPI_Bcast");
        _allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)F("MPI_Allreduce");
        _errorString = (delegate* unmanaged<int, byte*, int*, int>)F("MPI_Error_string");
        CommWorld = F("ompi_mpi_comm_world");
        Byte = F("ompi_mpi_byte");
        Float = F("ompi_mpi_float");
        Double = F("ompi_mpi_double");
        OpSum = F("ompi_mpi_op_sum");
        ErrorsReturn = F("ompi_mpi_errors_return");
        _lib = lib;
        return true;
    }

    /// <summary>MPI_Init_thread asking for MPI_THREAD_SERIALIZED; returns the level provided.</summary>
    public static int InitThread(int required)
    {
        int provided;
        Check(_initThread(null, null, required, &provided), "MPI_Init_thread");
        return provided;
    }

    public static bool Initialized() { int f; Check(_initialized(&f), "MPI_Initialized"); return f != 0; }
    public static bool Finalized() { int f; Check(_finalized(&f), "MPI_Finalized"); return f != 0; }
    public static void FinalizeMpi() => Check(_finalize(), "MPI_Finalize");
    public static int CommRank(nint comm) { int r; Check(_commRank(comm, &r), "MPI_Comm_rank"); return r; }
    public static int CommSize(nint comm) { int s; Check(_commSize(comm, &s), "MPI_Comm_size"); return s; }

    /// <summary>Errors on <paramref name="comm"/> return a code instead of aborting the job (MPI_ERRORS_RETURN).</summary>
    public static void ErrorsAreReturned(nint comm) => Check(_commSetErrhandler(comm, ErrorsReturn), "MPI_Comm_set_errhandler");

    /// <summary>MPI_Abort: ends every process of the job with <paramref name="code"/>; does not return on success.</summary>
    public static void Abort(nint comm, int code) => Check(_abort(comm, code), "MPI_Abort");

    public static void Barrier(nint comm) => Check(_barrier(comm), "MPI_Barrier");

    public static void Bcast(void* buffer, int count, nint type, int root, nint comm)
        => Check(_bcast(buffer, count, type, root, comm), "MPI_Bcast");

    /// <summary>MPI_Allreduce in place: buffer[i] ← op over the ranks of buffer[i].</summary>
    public static void AllreduceInPlace(void* buffer, int count, nint type, nint op, nint comm)
        => Check(_allreduce((void*)InPlace, buffer, count, type, op, comm), "MPI_Allreduce");

    /// <summary>Throws an <see cref="MpiException"/> naming <paramref name="call"/> and MPI_Error_string's text unless <paramref name="code"/> is MPI_SUCCESS.</summary>
    public static void Check(int code, string call)
    {
        if (code != Success) throw new MpiException(call, code, ErrorString(code));
    }

    private static string ErrorString(int code)
    {
        if (_errorString is null) return "";
        byte* text = stackalloc byte[256]; // MPI_MAX_ERROR_STRING
        int length = 0;
        return _errorString(code, text, &length) == Success ? Encoding.ASCII.GetString(text, Math.Clamp(length, 0, 256)) : "";
    }
}

/// <summary>An MPI call returned an error code; the message names the call, the code and MPI's description of it.</summary>
public sealed class MpiException(string call, int code, string description)
    : Exception($"{call} failed with error {code}{(description.Length > 0 ? $" ({description})" : "")}")
{
    /// <summary>The MPI function that failed, e.g. MPI_Allreduce.</summary>
    public string Call { get; } = call;
    /// <summary>The error code it returned.</summary>
    public int Code { get; } = code;
}
