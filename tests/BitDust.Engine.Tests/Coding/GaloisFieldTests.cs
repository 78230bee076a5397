using BitDust.Engine.Coding;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BitDust.Engine.Tests.Coding;

public class GaloisFieldTests
{
    private static readonly Arbitrary<byte> AnyByte = Gen.Choose(0, 255).Select(b => (byte)b).ToArbitrary();
    private static readonly Arbitrary<byte> NonZero = Gen.Choose(1, 255).Select(b => (byte)b).ToArbitrary();

    [Fact]
    public void Mul_table_matches_shift_and_add_multiplication_for_every_pair()
    {
        for (var a = 0; a < 256; a++)
        {
            for (var b = 0; b < 256; b++)
            {
                Assert.Equal(GaloisField.MulSlow(a, b), GaloisField.Mul((byte)a, (byte)b));
            }
        }
    }

    [Fact]
    public void Generator_reaches_every_nonzero_element()
    {
        var seen = Enumerable.Range(0, 255).Select(GaloisField.Exp).ToHashSet();
        Assert.Equal(255, seen.Count);
        Assert.DoesNotContain((byte)0, seen);
        Assert.Equal(1, GaloisField.Exp(255));
    }

    [Fact]
    public void Polynomial_is_the_aes_one_that_gf2p8mulb_uses()
    {
        Assert.Equal(0x11B, GaloisField.Polynomial);

        // FIPS-197 section 4.2: {57} * {83} = {c1}.
        Assert.Equal(0xC1, GaloisField.Mul(0x57, 0x83));
    }

    [Fact]
    public void Every_nonzero_element_has_an_inverse_and_zero_has_none()
    {
        for (var a = 1; a < 256; a++)
        {
            Assert.Equal(1, GaloisField.Mul((byte)a, GaloisField.Inverse((byte)a)));
        }

        Assert.Throws<DivideByZeroException>(() => GaloisField.Inverse(0));
        Assert.Throws<DivideByZeroException>(() => GaloisField.Div(7, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaloisField.Log(0));
    }

    [Property]
    public Property Multiplication_is_commutative_and_associative() =>
        Prop.ForAll(AnyByte, AnyByte, AnyByte, (a, b, c) =>
            GaloisField.Mul(a, b) == GaloisField.Mul(b, a)
            && GaloisField.Mul(GaloisField.Mul(a, b), c) == GaloisField.Mul(a, GaloisField.Mul(b, c)));

    [Property]
    public Property Multiplication_distributes_over_addition() =>
        Prop.ForAll(AnyByte, AnyByte, AnyByte, (a, b, c) =>
            GaloisField.Mul(a, GaloisField.Add(b, c)) == GaloisField.Add(GaloisField.Mul(a, b), GaloisField.Mul(a, c)));

    [Property]
    public Property Division_undoes_multiplication() =>
        Prop.ForAll(AnyByte, NonZero, (a, b) =>
            GaloisField.Div(GaloisField.Mul(a, b), b) == a
            && GaloisField.Div(a, b) == GaloisField.Mul(a, GaloisField.Inverse(b)));

    [Property]
    public Property Exp_and_log_are_inverse() =>
        Prop.ForAll(NonZero, a =>
            GaloisField.Exp(GaloisField.Log(a)) == a
            && GaloisField.Mul(a, GaloisField.Generator) == GaloisField.Exp(GaloisField.Log(a) + 1));
}
