package dev.cachet.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each way in must show, over the shop's REST API: repeated reads of a product are answered (the caller checks
 * the hits where its way in reports them), and a price written through the API is what the very next read returns.
 */
final class ShopScenario {

    private ShopScenario() {
    }

    static void run(Http http) throws Exception {
        for (int i = 0; i < 10; i++) {
            assertThat(http.price(3)).isEqualTo("1.03");
            assertThat(Http.field(http.get("/products?maxPrice=1.05"), "name")).isEqualTo("product 1");
        }
        for (String price : new String[] {"2.50", "2.75", "3.10"}) {
            http.put("/products/3/price", "{\"price\":" + price + "}");
            assertThat(http.price(3)).isEqualTo(price);
            assertThat(http.price(3)).isEqualTo(price);
        }
        http.put("/products/3/price", "{\"price\":1.03}");
        assertThat(http.price(3)).isEqualTo("1.03");
    }
}
